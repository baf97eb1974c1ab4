package api

import "strconv"

// appendJSON writes bd as encoding/json does (see writeJSON).
func (bd *Board) appendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"pipeline_id":`...)
	b = appendJSONUUID(b, bd.PipelineID)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, bd.Name)
	b = append(b, `,"phases":`...)
	if bd.Phases == nil {
		b = append(b, "null"...)
		return append(b, '}'), nil
	}
	b = append(b, '[')
	for i := range bd.Phases {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = bd.Phases[i].appendJSON(b); err != nil {
			return b, err
		}
	}
	return append(b, "]}"...), nil
}

func (col *BoardColumn) appendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"phase":`...)
	b = col.Phase.appendJSON(b)
	b = append(b, `,"totals":`...)
	b = appendFigures(b, col.Totals)
	b = append(b, `,"opportunities":`...)
	b, err := appendOpportunities(b, col.Opportunities)
	if err != nil {
		return b, err
	}
	b = append(b, `,"has_more":`...)
	b = appendJSONBool(b, col.HasMore)
	return append(b, '}'), nil
}

func (p *Phase) appendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = appendJSONUUID(b, p.ID)
	b = append(b, `,"pipeline_id":`...)
	b = appendJSONUUID(b, p.PipelineID)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, p.Name)
	b = append(b, `,"probability":`...)
	b = strconv.AppendInt(b, int64(p.Probability), 10)
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, p.Kind)
	b = append(b, `,"color":`...)
	b = appendJSONString(b, p.Color)
	b = append(b, `,"position":`...)
	b = strconv.AppendInt(b, int64(p.Position), 10)
	return append(b, '}')
}

// appendFigures writes fs as a JSON array, null when nil.
func appendFigures(b []byte, fs []Figures) []byte {
	if fs == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, f := range fs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"currency":`...)
		b = appendJSONString(b, f.Currency)
		b = append(b, `,"count":`...)
		b = strconv.AppendInt(b, int64(f.Count), 10)
		b = append(b, `,"amount":`...)
		b = strconv.AppendInt(b, f.Amount, 10)
		b = append(b, `,"weighted_amount":`...)
		b = strconv.AppendInt(b, f.WeightedAmount, 10)
		b = append(b, '}')
	}
	return append(b, ']')
}
